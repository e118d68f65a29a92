# pyroute2's IPRoute (links, addresses, routes, neighbours, rules): pyroute2_iproute.py, run by
# the python that NLTWIN_PYTHON names (one with pyroute2; .ci/run makes a venv with the pinned
# version in ci/pyroute2-requirements.txt).
exec "${NLTWIN_PYTHON:-python3}" pyroute2_iproute.py 02:00:00:00:00:0a 02:00:00:00:00:0b
