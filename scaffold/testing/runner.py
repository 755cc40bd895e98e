"""Run the steps of `scaffold.testing.layers`, one verdict each."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from scaffold.testing.layers import Step


@dataclass(frozen=True)
class Verdict:
    step: Step
    passed: bool
    command: str  # the command that failed, or the last one run
    output: str  # the failing command's output (stdout and stderr), else ""

    @property
    def summary(self) -> str:
        state = "passed" if self.passed else f"FAILED ({self.command})"
        return f"{self.step.layer}: {self.step.title}: {state}"


def run(steps: list[Step], on_verdict: Callable[[Verdict], None] | None = None) -> list[Verdict]:
    verdicts = []
    for step in steps:
        verdict = _run(step)
        verdicts.append(verdict)
        if on_verdict is not None:
            on_verdict(verdict)
    return verdicts


def _run(step: Step) -> Verdict:
    if step.problem:
        return Verdict(step, False, step.problem, "")
    env = {**os.environ, **step.env}
    shown = ""
    for command in step.commands:
        shown = " ".join(command)
        try:
            proc = subprocess.run(
                command,
                cwd=step.cwd,
                env=env,
                capture_output=True,
                encoding="utf-8",
                errors="replace",
                check=False,
            )
        except OSError as error:
            return Verdict(step, False, shown, str(error))
        if proc.returncode != 0:
            return Verdict(step, False, shown, proc.stdout + proc.stderr)
    return Verdict(step, True, shown, "")
