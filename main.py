from csapp.app import main

raise SystemExit(main())
