# Cross-built for Windows (cmake/x86_64-w64-mingw32.cmake): ctest runs the .exe
# files under Wine. Catch2 tests get the emulator from CMake; the shell tests
# call the programs through small wrapper scripts generated here.
#   LUMEN_CLI_COMMAND, LUMEN_TENSORS_EQUAL_COMMAND  what the shell tests run
#   LUMEN_CLI_SCRIPTS                                minus chat_tmux: tmux drives a Linux
#     terminal, which a Windows console program under Wine does not read; the piped-stdin
#     chat test (cli/test_chat.sh) covers `lumen chat` instead.
list(JOIN CMAKE_CROSSCOMPILING_EMULATOR "\" \"" _lumen_emulator)
foreach(_tool lumen_cli gguf_tensors_equal)
  file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/wine/${_tool}
    CONTENT "#!/bin/sh\nexec \"${_lumen_emulator}\" \"$<TARGET_FILE:${_tool}>\" \"$@\"\n"
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(LUMEN_CLI_COMMAND ${CMAKE_CURRENT_BINARY_DIR}/wine/lumen_cli)
set(LUMEN_TENSORS_EQUAL_COMMAND ${CMAKE_CURRENT_BINARY_DIR}/wine/gguf_tensors_equal)
list(REMOVE_ITEM LUMEN_CLI_SCRIPTS chat_tmux)

# Windows-only behaviour.
lumen_add_test(test_file_replace_windows test_file_replace_windows.cpp)
lumen_add_test(test_platform_windows test_platform_windows.cpp)
target_include_directories(test_platform_windows PRIVATE ${PROJECT_SOURCE_DIR}/src)

