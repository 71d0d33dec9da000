"""Test tooling as a package: the form content model (forms.py), a .docx builder that writes real
Word XML (docx_builder.py), the property-test generator (generate.py), hostile inputs
(hostile.py) and the builders of tests/cases and samples/inbox. Tests, the sample builder and
the benchmark import it; nothing in the product does."""
