/* abi.h must compile as strict C99 with every warning an error. */
#include <connectivity/abi.h>

int cx_abi_c99_probe(void);
int cx_abi_c99_probe(void) {
  cx_connector d;
  cx_host_api h;
  cx_call c;
  (void)d;
  (void)h;
  (void)c;
  return CX_ABI_VERSION > 0 ? CX_OK : CX_ERR_INTERNAL;
}
