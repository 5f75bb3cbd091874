"""Evaluating user queries within limits: the job and its serialized result (evaluation), runners on
threads or killable worker processes, the worker process itself, forwarding to a remote store, the SERVICE
check (federation) and the workers' network isolation. Knows nothing of HTTP: a runner answers
(head, source).
"""
