/* outer /* nested; */ still; */ SELECT 1; /*/ */ SELECT 2 -- c ;
/* a */ /* b /* c /* d */ */ */ ;; ; SELECT 3 /* tail */