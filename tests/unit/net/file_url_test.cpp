// file:// artifact sources: only regular files are read; a FIFO (which would block a reader
// forever), a directory, a device or a symlink is refused at once, naming the URL.
#include "net/file_url.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <sys/stat.h>

namespace tether::net::file_url_test {
namespace {

namespace fs = std::filesystem;

std::string read_all(const std::string& url, Status& status) {
  std::string out;
  status = read_file_url(url, 1024 * 1024, [&out](std::string_view data) {
    out.append(data);
    return true;
  });
  return out;
}

class FileUrlTest : public ::testing::Test {
 protected:
  test::TempDir m_tmp;
};

TEST_F(FileUrlTest, ReadsARegularFile) {
  test::write_text(m_tmp / "a b.tar.gz", "bytes");
  Status status = ok_status();
  EXPECT_EQ(read_all("file://" + (m_tmp / "a%20b.tar.gz").string(), status), "bytes");
  EXPECT_TRUE(status.ok()) << status.error().describe();
}

TEST_F(FileUrlTest, AFifoIsRefusedAtOnceNamingTheUrl) {
  const fs::path fifo = m_tmp / "artifact.tar.gz";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string url = "file://" + fifo.string();
  const auto start = std::chrono::steady_clock::now();
  Status status = ok_status();
  (void)read_all(url, status);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find(url), std::string::npos) << status.error().message;
  EXPECT_NE(status.error().message.find("is a FIFO, not a regular file"), std::string::npos)
      << status.error().message;
}

TEST_F(FileUrlTest, ADirectoryADeviceAndASymlinkAreRefused) {
  fs::create_directories(m_tmp / "dir");
  test::write_text(m_tmp / "real", "bytes");
  fs::create_symlink(m_tmp / "real", m_tmp / "link");
  Status status = ok_status();
  (void)read_all("file://" + (m_tmp / "dir").string(), status);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("is a directory"), std::string::npos);
  (void)read_all("file:///dev/zero", status);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("is a device"), std::string::npos);
  (void)read_all("file://" + (m_tmp / "link").string(), status);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("cannot open"), std::string::npos);
}

TEST_F(FileUrlTest, AFileOverTheCapIsRefused) {
  test::write_text(m_tmp / "big", std::string(2000, 'x'));
  const Status status = read_file_url(
      "file://" + (m_tmp / "big").string(), 1000, [](std::string_view) { return true; });
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("1000-byte cap"), std::string::npos);
}

}  // namespace
}  // namespace tether::net::file_url_test
