"""What a file really is, and whether it is safe to open, before unstructured sees it.

Each module reads one kind of evidence from the bytes (magic numbers, ZIP directories, OLE streams,
text encodings) or handles one format unstructured cannot read alone (delimited text it rejects,
legacy Office through LibreOffice, OCR through Tesseract). None of them ever puts document text into
an error message: a message names the file type and the problem, nothing the file says.
"""
