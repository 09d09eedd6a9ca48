#!/bin/sh
# The temporal-namespace service (temporalio/admin-tools, once per `docker compose up`): waits
# for the Temporal frontend to answer, a bounded number of times, then creates the namespace the
# workers and the API use with the retention RETENTION — or, when it exists already, sets its
# retention to RETENTION (a deployment made with a shorter one gets the longer one; the
# histories already gone stay gone). The workers and the API start only once this has exited 0. The frontend requires mutual TLS: the admin tools' certificate (TLS_CA, TLS_CERT,
# TLS_KEY, TLS_SERVER_NAME) goes to every command as the CLI's --tls-* flags, which every
# version of the CLI reads (its environment variables for them were renamed between versions).
set -eu

: "${TEMPORAL_ADDRESS:?}" "${NAMESPACE:?}" "${RETENTION:?}"
: "${TLS_CA:?}" "${TLS_CERT:?}" "${TLS_KEY:?}" "${TLS_SERVER_NAME:?}"
attempts="${ATTEMPTS:-90}"

temporal_cli() {
    temporal "$@" --address "$TEMPORAL_ADDRESS" --tls-ca-path "$TLS_CA" \
        --tls-cert-path "$TLS_CERT" --tls-key-path "$TLS_KEY" \
        --tls-server-name "$TLS_SERVER_NAME"
}

tries=0
until temporal_cli operator cluster health >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge "$attempts" ]; then
        echo "temporal-namespace: Temporal at $TEMPORAL_ADDRESS did not answer after" \
            "$attempts tries, 2 s apart (see the temporal service's log)" >&2
        exit 1
    fi
    sleep 2
done

if temporal_cli operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
    temporal_cli operator namespace update --namespace "$NAMESPACE" --retention "$RETENTION"
    echo "temporal-namespace: $NAMESPACE exists, retention set to $RETENTION"
else
    temporal_cli operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
    echo "temporal-namespace: $NAMESPACE created, retention $RETENTION"
fi
