#!/usr/bin/env bash
# Makes a throwaway certificate authority and certificates it signed, for trying TLS and for the
# tests (docs/operations.md). Not for production: the CA's key sits next to the certificates.
#
#   scripts/make-certs.sh DIR [NAME...]
#
# writes into DIR (created if missing):
#   ca.crt, ca.key          the authority: tls_ca_cert_file on every node, --cacert for clients
#   node.crt, node.key      a node's certificate, valid for every NAME (host names or IP
#                           addresses; default localhost, 127.0.0.1 and ::1), for serving clients
#                           and for both ends of the peer links (tls_cert_file, tls_key_file)
#   client.crt, client.key  a client's certificate (redis-cli --cert/--key) for
#                           tls_auth_clients = "yes"
set -euo pipefail

if [ $# -lt 1 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,14s/^# \{0,1\}//p' "$0"
  exit 2
fi
dir=$1
shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(localhost 127.0.0.1 ::1)

command -v openssl >/dev/null || { echo "make-certs: openssl is not installed" >&2; exit 1; }
mkdir -p "$dir"
cd "$dir"
days=825

# subjectAltName entries: IP:... for addresses, DNS:... for names.
san=""
for name in "${names[@]}"; do
  if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then entry="IP:$name"; else entry="DNS:$name"; fi
  san+="${san:+,}$entry"
done

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; chmod 600 "$1"; }

# sign NAME SUBJECT EXTENSIONS: NAME.key and a certificate NAME.crt signed by the CA.
sign() {
  key "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  printf '%s\n' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
    -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

key ca.key
openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/O=Seshat/CN=Seshat test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.crt
sign node "/O=Seshat/CN=${names[0]}" \
  "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$san"
sign client "/O=Seshat/CN=client" \
  "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
rm -f ca.srl
echo "make-certs: wrote ca, node (${names[*]}) and client certificates to $(pwd)"
