"""What the linked-data interfaces say about the graph: a resource's description (describe),
VoID statistics, full dumps, the SPARQL service description and JSON-LD.
"""
