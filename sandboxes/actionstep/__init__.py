"""The Actionstep sandbox: the REST API and OAuth, as `emulator.ActionstepSandbox` serves them."""
