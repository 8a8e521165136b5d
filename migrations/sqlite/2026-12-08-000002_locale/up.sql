-- Languages (issue 15): the language of each person's interface, `ru` or `en`.
-- Documents keep their own language; this is only what the pages speak.
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'ru';
