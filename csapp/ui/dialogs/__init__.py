"""Dialogs: the import wizard, correcting a question, …"""
