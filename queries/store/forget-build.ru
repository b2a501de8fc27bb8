# Store protocol: take a dropped build out of the builds registry.
#
# Parameters: <urn:x-kg:registry>, <urn:x-kg:graph> (the debate's graph) and <urn:x-kg:build>
# (the dropped build's graph), written by the store as checked IRIs.
# Example: run after a retired build's graph is dropped (kg/stores/builds.py).
PREFIX kgs: <https://w3id.org/debate-kg/store#>

DELETE DATA { GRAPH <urn:x-kg:registry> { <urn:x-kg:graph> kgs:retiredBuild <urn:x-kg:build> } }
