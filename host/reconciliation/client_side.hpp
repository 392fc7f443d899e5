// The ledger side of a reconciliation bound to the Formance Ledger v2 client (ledger_client.hpp):
// a LedgerError becomes a SideError with the same message and HTTP status.
#pragma once

#include "host/reconciliation/ledger_client.hpp"
#include "host/reconciliation/ledger_side.hpp"

namespace cx::recon {

/// The client for `config`; an empty function when config.url is empty (no ledger configured).
LedgerSide client_side(LedgerConfig config);

}  // namespace cx::recon
