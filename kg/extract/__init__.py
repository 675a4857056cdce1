"""Notice text → draft case files: normalisation, layout, cases, measures, findings, spans, evaluation."""
