"""What the plugin did in one test session: environments, faults, operations served.

Plain data, so an xdist worker can hand it to the controller, and the terminal
summary's text is made here; the pytest hooks that collect and print it are in
:mod:`pytest_cloudhsm_kms.plugin`.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .environment import CloudHsmKms

__all__ = ["SUMMARY_OPERATIONS", "SessionStats"]

SUMMARY_OPERATIONS = 8
"""How many of the most frequent operations of each service the summary names."""


class SessionStats:
    """What the plugin did in this session, for the terminal summary."""

    def __init__(self) -> None:
        self.environments = 0
        self.faults: Counter[str] = Counter()
        self.operations: Counter[tuple[str, str]] = Counter()
        self.option_tests: Counter[str] = Counter()  # --cloudhsm-fault NAME: tests it applied to
        self.option_idle: Counter[str] = Counter()  # ... and of those, where it found nothing

    def record(self, environment: CloudHsmKms) -> None:
        self.environments += 1
        self.faults.update(environment.faults_applied)
        self.operations.update((c.service, c.operation) for c in environment.calls if c.operation)

    def dump(self) -> dict[str, Any]:
        """Plain data, for an xdist worker to send to the controller."""
        return {
            "environments": self.environments,
            "faults": dict(self.faults),
            "operations": [[s, o, n] for (s, o), n in self.operations.items()],
            "option_tests": dict(self.option_tests),
            "option_idle": dict(self.option_idle),
        }

    def merge(self, data: dict[str, Any]) -> None:
        self.environments += int(data.get("environments", 0))
        self.faults.update(data.get("faults", {}))
        for service, operation, count in data.get("operations", ()):
            self.operations[(service, operation)] += count
        self.option_tests.update(data.get("option_tests", {}))
        self.option_idle.update(data.get("option_idle", {}))

    def summary_lines(self) -> list[str]:
        """The lines of the terminal summary: environments, faults, operations served."""
        lines = [f"environments: {self.environments}"]
        if self.faults:
            lines.append("faults injected: " + ", ".join(
                f"{n} x{c}" for n, c in sorted(self.faults.items())))
        for name, idle in sorted(self.option_idle.items()):
            tests = self.option_tests[name]
            lines.append(
                f"--cloudhsm-fault {name} found nothing to act on in {idle} of {tests} "
                f"test{'' if tests == 1 else 's'} ({'it' if idle == 1 else 'they'} ran without it)")
        for service in ("kms", "cloudhsmv2"):
            served = sorted((-n, op) for (svc, op), n in self.operations.items() if svc == service)
            if served:
                shown = ", ".join(f"{op} x{-n}" for n, op in served[:SUMMARY_OPERATIONS])
                more = len(served) - SUMMARY_OPERATIONS
                lines.append(f"{service} operations served: {shown}"
                             + (f", and {more} more" if more > 0 else ""))
        return lines

