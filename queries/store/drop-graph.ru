# Store protocol: remove one named graph (a build's staging graph before it loads, or after it
# fails; a build's graph before INSERT DATA refills it).
#
# Parameters: the graph, written in place of <urn:x-kg:graph> by the store as a checked IRI.
# Example: run by `kg build --store http://HOST/sparql-auth`.
DROP SILENT GRAPH <urn:x-kg:graph>
