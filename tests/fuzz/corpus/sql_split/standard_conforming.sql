SET standard_conforming_strings = on;
SELECT 'C:\path\', 'x';
SELECT '\'';' AS quote_then_semicolon;
