# Store protocol: the atomic switch of a remote build. The checked staging graph takes the place
# of the debate's graph in one update (one transaction), so readers see the old graph or the
# new one, never half of either.
#
# Parameters: <urn:x-kg:from> (staging graph) and <urn:x-kg:to> (the debate's graph), written
# by the store as checked IRIs.
# Example: run by `kg build --store http://HOST/sparql-auth --graph IRI` when its checks pass.
MOVE SILENT GRAPH <urn:x-kg:from> TO GRAPH <urn:x-kg:to>
