from peerwell.cli import main

main()
