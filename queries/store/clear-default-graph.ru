# Store protocol: empty the default graph before a build loads a new one (servers without the
# Graph Store Protocol).
#
# Parameters: none.
# Example: run by `kg build --store http://HOST/sparql` when KG_STORE_GSP=none.
CLEAR SILENT DEFAULT
