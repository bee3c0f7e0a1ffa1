# The platform layer's files for the OS being built for: one implementation per
# concern and OS, chosen here rather than with #ifdef in the code.
#   LUMEN_PLATFORM_SOURCES  compiled into the library
#   LUMEN_CONSOLE_SOURCES   compiled into the lumen command-line tool (console.hpp)
#   LUMEN_PLATFORM_LIBS     system libraries the library needs
set(_p ${CMAKE_CURRENT_LIST_DIR})
set(LUMEN_PLATFORM_COMMON ${_p}/cpu_list.cpp ${_p}/file_slice.cpp ${_p}/large_buffer_common.cpp)
if(WIN32)
  set(LUMEN_PLATFORM_SOURCES
    ${_p}/mapped_file_windows.cpp ${_p}/file_replace_windows.cpp ${_p}/system_info_windows.cpp
    ${_p}/memory_windows.cpp ${_p}/cpu_topology_windows.cpp ${_p}/utf16_windows.cpp ${_p}/windows_error_windows.cpp
    ${_p}/fmaf_windows.cpp ${_p}/large_buffer_plain.cpp)
  set(LUMEN_CONSOLE_SOURCES ${_p}/console_windows.cpp ${_p}/utf16_windows.cpp)
  set(LUMEN_PLATFORM_LIBS psapi)
elseif(APPLE)  # not built by this project (no macOS machine); see docs/building.md
  set(LUMEN_PLATFORM_SOURCES ${_p}/mapped_file_posix.cpp ${_p}/file_replace_posix.cpp ${_p}/system_info_macos.cpp
    ${_p}/memory_macos.cpp ${_p}/large_buffer_plain.cpp)
  set(LUMEN_CONSOLE_SOURCES ${_p}/console_posix.cpp)
  set(LUMEN_PLATFORM_LIBS)
else()
  set(LUMEN_PLATFORM_SOURCES ${_p}/mapped_file_posix.cpp ${_p}/file_replace_posix.cpp ${_p}/system_info_linux.cpp
    ${_p}/cpu_topology_linux.cpp ${_p}/memory_linux.cpp ${_p}/large_buffer_linux.cpp)
  set(LUMEN_CONSOLE_SOURCES ${_p}/console_posix.cpp)
  set(LUMEN_PLATFORM_LIBS)
endif()
list(APPEND LUMEN_PLATFORM_SOURCES ${LUMEN_PLATFORM_COMMON})
unset(_p)
