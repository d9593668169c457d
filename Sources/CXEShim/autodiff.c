#include "CXEShim.h"

static _Thread_local xe_autodiff_state state;

xe_autodiff_state *xe_autodiff(void) { return &state; }
