"""Renda (人大): information platform of a county People's Congress and its townships."""
