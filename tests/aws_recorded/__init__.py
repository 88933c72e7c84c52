"""Real AWS answers as checks: KMS answers recorded by LocalStack's AWS-validated parity
tests, shown by AWS's own documentation or quoted in public by people who received them
(``quoted.py``, checked by ``test_quoted.py``), and the CloudHSM v2 answers AWS's User
Guide prints or people quote (``test_quoted_cloudhsm.py``).

Each case names the LocalStack test that recorded AWS's answer (``sources.py`` has
its validation date), or the documentation example that shows it (``documented.py``,
for CloudHSM key stores; ``cloudhsm_sources.py``, for CloudHSM v2 in
``test_documented_cloudhsm.py``); requests and scenarios are ours.
"""

from __future__ import annotations

from collections import Counter


def recorded_cases_per_operation() -> Counter[str]:
    """How many recorded, documented or quoted AWS answers the suite checks, per KMS operation."""
    from .test_sources import ALL

    return Counter(case.operation for case in ALL)
