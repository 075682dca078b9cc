"""post/: PDF post-processing with pypdf (after render/, before deliver/).

- ``merge``: read PDFs, nest form fields, attach a clinic's pages, combine handouts
- ``impose``: booklet imposition
- ``protect``: encryption, the patient's name kept out of the metadata
- ``finish``: the steps in order, shared by ``build`` and ``batch``
"""
