# Store protocol: one chunk of N-Triples added to a named graph (servers without the Graph Store
# Protocol). The remote store puts the chunk's triples on the DATA line below.
#
# Parameters: the graph, written in place of <urn:x-kg:graph> by the store as a checked IRI
# (the chunk is data in N-Triples syntax, written by the store, not user text).
# Example: run by `kg build --store http://HOST/sparql --graph IRI` when KG_STORE_GSP=none.
INSERT DATA { GRAPH <urn:x-kg:graph> {
# DATA
} }
