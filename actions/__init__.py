"""Custom actions for the Rasa action server (rasa-sdk): one module per conversation flow.

rasa-sdk imports every module of this package and registers each ``Action`` subclass it finds.
"""
