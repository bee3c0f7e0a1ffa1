// Symbol visibility for the lumen library. The library is built with hidden
// symbols by default; everything in the public API is marked LUMEN_API.
#pragma once

#if defined(_WIN32)
#define LUMEN_API
#else
#define LUMEN_API __attribute__((visibility("default")))
#endif
