from ctxlint.cli import main

raise SystemExit(main())
