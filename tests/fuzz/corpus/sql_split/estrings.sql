SELECT E'back\'slash;', e'\\', E'it''s;', E'\
newline;';
SELECT xE'\', 2; SELECT E '\';
SELECT E'\\'';' AS doubled_after_escape;
SELECT 'a;b', 'it''s;', U&'d\0061t;', "we;ird""x";
