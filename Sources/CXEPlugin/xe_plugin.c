/* The plugin ABI is all in include/xe_plugin.h; this file only makes CXEPlugin a C target. */
#include "xe_plugin.h"
