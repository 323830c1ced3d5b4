/* Footprint image (make footprint): only what an application links, NAME_run
 * with the r50 run-time core and the C runtime, plus startup and semihosting
 * exit. Measured with arm-none-eabi-size / footprint.py, not run. */
#include <stdint.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(a) #a
#define STR(a) STR2(a)
#include STR(FW_MODEL.h)
#define N_(x) CAT(FW_MODEL, x)
#define UP_(x) CAT(FW_MODEL_UPPER, x)

static int8_t g_in[UP_(_INPUT_BYTES)], g_out[UP_(_OUTPUT_BYTES)];
static uint8_t g_arena[UP_(_ARENA_SIZE)] __attribute__((section(".r50_arena"), aligned(16)));

int main(void) { return N_(_run)(g_in, g_out, g_arena); }
