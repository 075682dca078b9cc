"""deliver/: getting finished PDFs to people.

- ``files``: atomic writes, so a killed run leaves no half-written file
- ``roster``: reading a batch's roster (CSV or YAML) into rows
- ``batch``: one handout per roster row, in a worker pool, with a report
- ``mail``: e-mail messages and sending them over SMTP
"""
