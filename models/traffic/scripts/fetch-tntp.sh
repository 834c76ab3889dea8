#!/usr/bin/env bash
# Download a TNTP network from bstabler/TransportationNetworks (pinned snapshot) for users without ../shared.
#   bash models/traffic/scripts/fetch-tntp.sh SiouxFalls [dest-dir]
#   npm run validate:traffic -- <dest-dir>/SiouxFalls
# Licence (upstream README): "for academic research purposes only ... Users must indicate the source".
# Cite: Transportation Networks for Research Core Team, https://github.com/bstabler/TransportationNetworks
set -euo pipefail
name="${1:?usage: fetch-tntp.sh <network, e.g. SiouxFalls | Anaheim | chicago-sketch> [dest-dir]}"
dest="${2:-.cache/tntp}"
commit="d1639b4ef218c17928ba573e806ddf8ba5e7ae6d"
base="https://raw.githubusercontent.com/bstabler/TransportationNetworks/${commit}/${name}"
# File stems differ from folder names in a few networks (chicago-sketch → ChicagoSketch).
case "$name" in
  chicago-sketch) stem="ChicagoSketch" ;;
  *) stem="$name" ;;
esac
mkdir -p "${dest}/${name}"
for part in net trips flow node; do
  url="${base}/${stem}_${part}.tntp"
  if curl -fsSL "$url" -o "${dest}/${name}/${stem}_${part}.tntp"; then
    echo "got ${stem}_${part}.tntp"
  else
    rm -f "${dest}/${name}/${stem}_${part}.tntp"
    # _node is optional; _flow is needed for grading (validate:traffic says so when it is missing).
    echo "no ${stem}_${part}.tntp at ${url}" >&2
  fi
done
echo "saved to ${dest}/${name}"
