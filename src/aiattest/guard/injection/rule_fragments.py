"""Regex fragments shared by the injection rules (bounded gaps, keyword alternations)."""

from __future__ import annotations

GAP = r"[^.\n!?]{0,40}?"
SHORT = r"[^.\n!?]{0,24}?"
# Like SHORT but never across a lone article, so "what's a system prompt?" stays clean.
NO_ARTICLE = r"(?:(?!\ban?\b|\bany\b)[^.\n!?]){0,24}?"
OVERRIDE_VERBS = (
    r"ignore|disregard|forget|skip|override|overwrite|bypass|abandon|discard|neglect|"
    r"set aside|throw away|throw out|pay no attention to|do not follow|don't follow|"
    r"dont follow|stop following|no longer follow|cancel|erase"
)
PRIOR = (
    r"previous|prior|above|earlier|preceding|original|initial|former|system|all|any|"
    r"every|your|existing|old|given|developer|safety|current"
)
LATER = r"above|before|so far|earlier|previously|given|you were given|you received"
INSTRUCTION_NOUNS = (
    r"instructions?|prompts?|directives?|rules|guidelines|commands?|constraints|"
    r"guardrails|polic(?:y|ies)|restrictions|programming|orders|training|filters"
)
FOREIGN_OVERRIDE = (
    r"ignor\w*|oubli\w*|vergiss\w*|missachte\w*|olvid\w*|dimentica\w*|esquec\w*|negeer\w*"
)
FOREIGN_NOUNS = (
    r"instructions?|consignes|anweisungen|regeln|instrucciones|reglas|istruzioni|regole|"
    r"instrucoes|regras|instructies"
)
REVEAL = (
    r"repeat|print|show|reveal|display|output|tell me|give me|share|leak|dump|write out|"
    r"spell out|recite|copy|paste|disclose|expose|echo|return|translate|summari[sz]e|"
    r"what (?:is|are|was|were)|what's|read back"
)
PROMPT_TARGETS = (
    r"system prompt|system message|system instructions|initial (?:instructions|prompt)|"
    r"original (?:instructions|prompt)|hidden (?:instructions|prompt)|"
    r"secret (?:instructions|prompt)|pre-?prompt|developer (?:message|instructions|prompt)|"
    r"instructions you were given|prompt you were given|your instructions"
)
AI = (
    r"ai|ai agents?|ai assistants?|ai models?|assistant|llm|large language model|"
    r"language model|chatbot|gpt|copilot"
)
TOOL_NAME = (
    r"(?:[a-z0-9]{1,20}_){0,3}[a-z0-9]{0,20}(?:delete|drop|remove|transfer|send|wire|grant|"
    r"forward|wipe|reset|disable|purge|destroy|refund|payment|pay|admin|sudo|shell|exec|"
    r"upload|export|email)[a-z0-9]{0,20}(?:_[a-z0-9]{1,20}){0,3}"
)
AI_TARGET = r"you|you're|chatgpt|assistant|ai|gpt|claude|llm|model"
AI_WORDS = ("ai", "ais", "assistant", "assistants", "llm", "llms", "large", "language", "model",
             "models", "chatbot", "gpt", "copilot")  # fmt: skip
