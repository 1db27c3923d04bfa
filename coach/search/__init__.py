"""Search over the knowledge base: embeddings, the MiniLM encoder and the Chroma index."""
