#!/bin/sh
# The temporal-namespace service (temporalio/admin-tools, once per `docker compose up`): waits
# for the Temporal frontend to answer, a bounded number of times, then creates the namespace the
# workers and the API use unless it exists already. The workers and the API start only once this
# has exited 0.
set -eu

: "${TEMPORAL_ADDRESS:?}" "${NAMESPACE:?}" "${RETENTION:?}"
attempts="${ATTEMPTS:-90}"

tries=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge "$attempts" ]; then
        echo "temporal-namespace: Temporal at $TEMPORAL_ADDRESS did not answer after" \
            "$attempts tries, 2 s apart (see the temporal service's log)" >&2
        exit 1
    fi
    sleep 2
done

if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" \
        --namespace "$NAMESPACE" >/dev/null 2>&1; then
    echo "temporal-namespace: $NAMESPACE exists"
else
    temporal operator namespace create --address "$TEMPORAL_ADDRESS" \
        --namespace "$NAMESPACE" --retention "$RETENTION"
    echo "temporal-namespace: $NAMESPACE created, retention $RETENTION"
fi
