// liard: the wallet command line (see docs/wallet.md).
#include "wallet-cli/app.h"

int main(int argc, char** argv) { return liard::wallet::Run(argc, argv); }
