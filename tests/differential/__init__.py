"""Old and new loader side by side on every export the tests use (issue 18: one path for every file size).

``python -m tests.differential collect DIR`` runs the data tests with a plugin (``corpus``) that keeps a
copy of every file given to ``load_files`` or ``prepare_file`` and the call itself (profile, settings,
the warehouse it went to, in order), and adds the demo city's exports and the real public exports in
../shared/data/external with their shipped profiles. ``python -m tests.differential compare DIR --old REF``
replays every call with the loader of git revision REF and with this checkout (``replay``, each in its
own interpreter and fresh warehouses, one phone-hash key), this checkout twice more with pieces of a few
KB and small check slices, and reports every difference: counts, messages, quarantine rows (reason
code, message, raw record), cell warnings, loaded values, and the tables built from them.
"""
