"""``carnet import``: companies and their contacts from the files other tools write.

:mod:`.reading` turns a CSV (any encoding and dialect), an xlsx or a vCard file into rows
located in the file; :mod:`.fields` proposes a mapping from the headers; :mod:`.mapping`
reads and writes the saved mappings (``data/imports/NAME.yaml``); :mod:`.transforms`
cleans each value; :mod:`.plan` turns the rows into would-be records, finds duplicates,
validates them like hand-typed records and gathers the writes in one change set.
"""
