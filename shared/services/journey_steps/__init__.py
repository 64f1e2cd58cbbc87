"""Journey steps, one module each; every module defines ``STEP = StepProvider(...)``."""
