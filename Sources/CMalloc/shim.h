// glibc's allocator settings (mallopt); empty where the C library has no <malloc.h>.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
