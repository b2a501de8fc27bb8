# Store protocol: one chunk of N-Triples added to the default graph (servers without the Graph
# Store Protocol). The remote store puts the chunk's triples on the DATA line below; Virtuoso
# refuses much more than 1,000 triples in one update.
#
# Parameters: none (the chunk is data in N-Triples syntax, written by the store, not user text).
# Example: run by `kg build --store http://HOST/sparql` when KG_STORE_GSP=none.
INSERT DATA {
# DATA
}
