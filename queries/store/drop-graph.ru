# Store protocol: remove one named graph: a retired build (dropped one build after readers
# stopped being sent to it) or a build that failed its checks.
#
# Parameters: the graph, written in place of <urn:x-kg:graph> by the store as a checked IRI.
# Example: run by `kg build --store http://HOST/sparql-auth`.
DROP SILENT GRAPH <urn:x-kg:graph>
