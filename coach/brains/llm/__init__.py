"""LLM mode: the Brain on LangChain + an OpenAI-compatible chat model."""
