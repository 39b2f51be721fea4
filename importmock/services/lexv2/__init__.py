"""Amazon Lex V2 model building (client ``lexv2-models``): bots, locales, imports, exports."""

from importmock.services.lexv2.backend import LexModelsV2Backend

__all__ = ["LexModelsV2Backend"]
