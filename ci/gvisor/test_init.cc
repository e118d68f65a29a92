// nltwin's stand-in for gVisor's test/util/test_util_impl.cc (written for nltwin, not copied):
// gVisor's own file also initialises Google Benchmark, which its netlink tests do not use and
// Debian's packages need not provide. The rest of what test_main.cc calls is the same:
// googletest and absl flags parsed, SIGPIPE ignored, every test run.
#include <signal.h>

#include "absl/flags/parse.h"
#include "gtest/gtest.h"
#include "test/util/logging.h"

namespace gvisor {
namespace testing {

void SetupGvisorDeathTest() {}

void TestInit(int* argc, char*** argv) {
  ::testing::InitGoogleTest(argc, *argv);
  ::absl::ParseCommandLine(*argc, *argv);
  struct sigaction sa = {};
  sa.sa_handler = SIG_IGN;
  TEST_CHECK(sigaction(SIGPIPE, &sa, nullptr) == 0);
}

int RunAllTests() { return RUN_ALL_TESTS(); }

}  // namespace testing
}  // namespace gvisor
