"""The data steps' runners: each hands a step's context (the project, the staged folders) to its
stage's function. The step graph names these by address, so the stages themselves know nothing
of the pipeline, and this module is imported only when a data step runs."""

from __future__ import annotations

from pingan_analysis.extract.build import build_corpus_tables
from pingan_analysis.panel.build import build_panel
from pingan_analysis.pipeline.steps import Step, StepContext
from pingan_analysis.validate.report import write_validation_report
from pingan_analysis.validate.run import validate_tables


def corpus(step: Step, ctx: StepContext) -> None:
    """Every release ingested and extracted into the staged tables."""
    build_corpus_tables(ctx.paths, ctx.tree.processed)


def validate(step: Step, ctx: StepContext) -> None:
    """The staged tables checked; failing rows quarantined."""
    validate_tables(ctx.paths, ctx.tree.processed)


def panel(step: Step, ctx: StepContext) -> None:
    """The staged valid figures reconciled into the panel and its exports."""
    build_panel(ctx.paths, ctx.tree.processed)


def validation_report(step: Step, ctx: StepContext) -> None:
    """The staged validation results as reports/validation.html."""
    write_validation_report(ctx.paths, ctx.tree.processed, ctx.tree.reports)
