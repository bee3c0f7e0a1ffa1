# Cross-built for Windows (cmake/x86_64-w64-mingw32.cmake): ctest runs the .exe
# files under Wine (the shell tests through the wrappers tests/CMakeLists.txt
# generates for any emulator). What differs from Linux:
#   LUMEN_CLI_SCRIPTS  minus chat_tmux: tmux drives a Linux terminal, which a Windows
#     console program under Wine does not read; the piped-stdin chat tests
#     (cli/test_chat.sh, cli/test_chat_interrupt.sh) cover `lumen chat` instead.
list(REMOVE_ITEM LUMEN_CLI_SCRIPTS chat_tmux)

# Windows-only behaviour.
lumen_add_test(test_file_replace_windows test_file_replace_windows.cpp)
lumen_add_test(test_platform_windows test_platform_windows.cpp)
target_include_directories(test_platform_windows PRIVATE ${PROJECT_SOURCE_DIR}/src)

# The C API as lumen.dll: the C example (examples/c/chat.c) linked against the DLL's
# import library runs under Wine with lumen.dll beside it (where Windows looks first).
enable_language(C)
add_executable(example_chat_c_dll ${PROJECT_SOURCE_DIR}/examples/c/chat.c)
set_target_properties(example_chat_c_dll PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
target_link_libraries(example_chat_c_dll PRIVATE lumen_c)
add_custom_command(TARGET example_chat_c_dll POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E copy_if_different $<TARGET_FILE:lumen_c> $<TARGET_FILE_DIR:example_chat_c_dll>)
find_program(LUMEN_MINGW_OBJDUMP NAMES x86_64-w64-mingw32-objdump objdump REQUIRED)
add_test(NAME "c api: lumen.dll and the C example under Wine"
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/c_api/test_dll_windows.sh $<TARGET_FILE:lumen_c> ${LUMEN_MINGW_OBJDUMP}
    ${PROJECT_SOURCE_DIR}/models/stories260K.gguf ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:example_chat_c_dll>)
