"""Cluster tasks off the request path: per cluster one FIFO queue and one worker thread
(`runtime`), held for the server in `registry`; one module per job (`train`, `request`, `save`,
`restore`); the files they write (`statefile`, `checkpoint_file`) and what they read (`columns`).
"""
