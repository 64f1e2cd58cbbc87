"""The one compiled module (decision 0092); everything else is declared in pyproject.toml.

``optional=True``: without a C compiler the install still succeeds and offer features use the
Python reading (shared/domain/skills.py), which gives the same features.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "shared.domain._wordscan",
            sources=["shared/domain/_wordscan.c"],
            extra_compile_args=["-O2", "-std=c11"],
            optional=True,
        )
    ]
)
